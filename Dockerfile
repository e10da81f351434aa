FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PROMETHEUS_MULTIPROC_DIR=/var/run/cityos-metrics
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir . && mkdir -p /var/run/cityos-metrics
COPY . .
EXPOSE 8000
CMD ["gunicorn", "cityos.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
