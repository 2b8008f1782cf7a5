"""A bare Flask app answering one fixed JSON document: what the HTTP stack alone costs under the
API's gunicorn settings (bench.http_read)."""
from flask import Flask, jsonify


def create_app():
    app = Flask(__name__)

    @app.get("/intake/v1/patients/<patient_id>")
    def patient(patient_id):
        return jsonify({"id": patient_id, "mrn": "B-1", "given_name": "Bench", "family_name": "Patient"})

    return app
