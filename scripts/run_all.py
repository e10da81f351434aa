"""Run several commands in the foreground with prefixed output; Ctrl-C (or one exiting) stops all.

usage: run_all.py NAME=COMMAND [NAME=COMMAND ...]
"""
import os
import signal
import subprocess
import sys
import threading
import time

COLOURS = ["\033[36m", "\033[33m", "\033[35m", "\033[32m", "\033[34m"]
RESET = "\033[0m"


def pump(name: str, colour: str, stream, width: int) -> None:
    prefix = f"{colour}{name:<{width}} |{RESET} " if sys.stdout.isatty() else f"{name:<{width}} | "
    for line in iter(stream.readline, b""):
        sys.stdout.write(prefix + line.decode(errors="replace"))
        sys.stdout.flush()


def main(argv: list[str]) -> int:
    specs = [arg.split("=", 1) for arg in argv]
    width = max(len(name) for name, _ in specs)
    procs = []
    for index, (name, command) in enumerate(specs):
        proc = subprocess.Popen(command, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                start_new_session=True)
        threading.Thread(target=pump, args=(name, COLOURS[index % len(COLOURS)], proc.stdout, width),
                         daemon=True).start()
        procs.append((name, proc))

    stopping = threading.Event()

    def stop(*_):
        stopping.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping.is_set():
        for name, proc in procs:
            if proc.poll() is not None:
                print(f"{name} exited with status {proc.returncode}; stopping the others", flush=True)
                exit_code = proc.returncode or 1
                stopping.set()
                break
        time.sleep(0.3)

    print("stopping: " + ", ".join(name for name, _ in procs), flush=True)
    for _, proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.time() + 15
    for _, proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    return exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
