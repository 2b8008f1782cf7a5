# One image for the four APIs and the four workers; docker-compose.yml picks the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY shared ./shared
COPY services ./services
COPY system ./system
RUN pip install . && useradd --system --uid 10001 iop

USER iop
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "services.intake.app:create_app()"]
