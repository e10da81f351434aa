"""Run several commands in the foreground with prefixed output, as a small supervisor.

usage: run_all.py NAME=COMMAND [NAME=COMMAND ...]

A process that exits is started again (a Celery worker can die when Redis goes away; the
outbox and the workflow runs in PostgreSQL make the restart lose nothing). A process that dies
more than MAX_RESTARTS times within WINDOW seconds is crash-looping: everything stops.
Ctrl-C (SIGINT) or SIGTERM stops all processes.
"""
import os
import signal
import subprocess
import sys
import threading
import time

COLOURS = ["\033[36m", "\033[33m", "\033[35m", "\033[32m", "\033[34m"]
RESET = "\033[0m"
MAX_RESTARTS = 5
WINDOW = 60.0


class Child:
    def __init__(self, name: str, command: str, colour: str, width: int):
        self.name, self.command = name, command
        self.prefix = f"{colour}{name:<{width}} |{RESET} " if sys.stdout.isatty() else f"{name:<{width}} | "
        self.proc = None
        self.deaths: list[float] = []

    def start(self) -> None:
        self.proc = subprocess.Popen(self.command, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        threading.Thread(target=self._pump, args=(self.proc.stdout,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in iter(stream.readline, b""):
            sys.stdout.write(self.prefix + line.decode(errors="replace"))
            sys.stdout.flush()

    def crash_looping(self) -> bool:
        now = time.monotonic()
        self.deaths = [t for t in self.deaths if now - t < WINDOW] + [now]
        return len(self.deaths) > MAX_RESTARTS

    def signal(self, sig) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)


def main(argv: list[str]) -> int:
    specs = [arg.split("=", 1) for arg in argv]
    width = max(len(name) for name, _ in specs)
    children = [Child(name, command, COLOURS[i % len(COLOURS)], width) for i, (name, command) in enumerate(specs)]
    for child in children:
        child.start()

    stopping = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    exit_code = 0
    while not stopping.is_set():
        for child in children:
            if child.proc.poll() is None:
                continue
            if child.crash_looping():
                print(f"{child.name} keeps exiting (status {child.proc.returncode}); stopping everything", flush=True)
                exit_code = child.proc.returncode or 1
                stopping.set()
                break
            print(f"{child.name} exited with status {child.proc.returncode}; restarting it", flush=True)
            time.sleep(1)
            child.start()
        time.sleep(0.3)

    print("stopping: " + ", ".join(child.name for child in children), flush=True)
    for child in children:
        child.signal(signal.SIGTERM)
    deadline = time.time() + 15
    for child in children:
        try:
            child.proc.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            child.signal(signal.SIGKILL)
    return exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
