FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends \
        fonts-noto-cjk gettext npm libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml package.json package-lock.json ./
RUN pip install --no-cache-dir -e . && npm install --no-audit --no-fund
COPY . .
RUN mkdir -p static/vendor/bootstrap \
    && cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js static/vendor/bootstrap/ \
    && make messages \
    && DJANGO_SETTINGS_MODULE=qms.settings.production SECRET_KEY=build python manage.py collectstatic --noinput
ENV DJANGO_SETTINGS_MODULE=qms.settings.production
EXPOSE 8000
CMD ["gunicorn", "qms.wsgi:application", "-c", "gunicorn.conf.py"]
