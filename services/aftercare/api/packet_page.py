"""The referral packet as a printable page (``Accept: text/html``).

A Jinja template with autoescaping on: every value (a patient's name, a medication, a plan's text
written by staff) is escaped, so nothing in the data can become markup. The page loads nothing
(no script, no stylesheet, no image): its style is inline, which the page's Content-Security-Policy
allows (app.py), and it prints on paper as it shows on screen. The template is kept in this module,
not in a file, so that it ships with the package whatever its data files.
"""
from jinja2 import Environment

TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Referral packet</title>
<style>
  body { font: 11pt/1.4 Georgia, serif; margin: 2em auto; max-width: 48em; color: #111; }
  h1 { font-size: 16pt; margin-bottom: 0; } h2 { font-size: 13pt; border-bottom: 1px solid #999; margin-top: 1.6em; }
  .meta { color: #444; } .missing { color: #a00; font-style: italic; }
  .notice { border: 2px solid #111; padding: 0.8em; margin: 1em 0; font-size: 10pt; }
  table { border-collapse: collapse; width: 100%; } td, th { text-align: left; vertical-align: top; padding: 0.2em 0.4em; }
  th { border-bottom: 1px solid #999; } dl { margin: 0; } dt { font-weight: bold; } dd { margin: 0 0 0.3em 1.2em; }
  @media print { body { margin: 0; } }
</style>
</head>
<body>
{%- macro show(value) -%}
  {%- if value is mapping -%}
    <dl>{% for key, item in value.items() %}<dt>{{ key | replace("_", " ") }}</dt><dd>{{ show(item) }}</dd>{% endfor %}</dl>
  {%- elif value is iterable and value is not string -%}
    {%- if value | length == 0 %}none{% else %}<ul>{% for item in value %}<li>{{ show(item) }}</li>{% endfor %}</ul>{% endif -%}
  {%- elif value is none -%}&mdash;
  {%- else -%}{{ value }}{%- endif -%}
{%- endmacro -%}
{%- macro part(name, title) -%}
  {%- set item = packet.parts[name] -%}
  <h2>{{ title }}</h2>
  {%- if item.status == "withheld" %}
  <p class="missing">Withheld: {{ item.reason }}</p>
  {%- elif item.status == "missing" %}
  <p class="missing">Missing: {{ item.reason }}</p>
  {%- if item.data %}{{ show(item.data) }}{% endif %}
  {%- elif item.data is none or item.data == [] %}
  <p>None recorded.</p>
  {%- else %}
  {{ caller(item.data) if caller else show(item.data) }}
  {%- endif -%}
{%- endmacro -%}
<h1>{{ "Medication list" if packet.view == "medication_list" else "Referral packet" }}</h1>
<p class="meta">From {{ packet.site.name }} &middot; produced {{ packet.generated_at }} &middot;
  disclosure {{ packet.disclosure_id }}</p>
{%- if packet.provider %}
<p>To: <strong>{{ packet.provider.name }}</strong>{% if packet.provider.npi %} (NPI {{ packet.provider.npi }}){% endif %}
  &middot; referral to {{ packet.referral.level_of_care | replace("_", " ") }} ({{ packet.referral.status }})</p>
{%- endif %}
{%- if packet.notice %}
<div class="notice"><strong>Notice (42 CFR part 2).</strong> {{ packet.notice.text }}
  <br><small>{{ packet.notice.source }}</small>
  {%- if packet.consent %}<br><small>Disclosed under consent {{ packet.consent.consent_id }}: purpose
  {{ packet.consent.purpose }}, scope {{ packet.consent.scope | join(", ") }},
  {% if packet.consent.expires_on %}until {{ packet.consent.expires_on }}{% else %}no expiry date{% endif %}.</small>{% endif %}
</div>
{%- endif %}
{%- if packet.missing %}
<p class="missing">Some parts could not be read: {% for item in packet.missing %}{{ item.part | replace("_", " ") }}{{ ", " if not loop.last }}{% endfor %}.</p>
{%- endif %}
{% call(data) part("patient", "Patient") -%}
  <p><strong>{{ data.family_name }}, {{ data.given_name }}</strong> &middot; born {{ data.birth_date }} &middot; MRN {{ data.mrn }}
  {%- if data.phone %} &middot; {{ data.phone }}{% endif %}</p>
{%- endcall %}
{% call(data) part("program", "Program") -%}
  <p>{{ data.name or data.code }} (level of care {{ data.level_of_care }}), {{ data.start_date or "start unknown" }} to
  {{ data.discharge_date }}, outcome {{ data.outcome | replace("_", " ") }}.</p>
{%- endcall %}
{%- if packet.view == "full" %}
{% call(data) part("diagnoses", "Diagnoses (ICD-10-CM)") -%}
  <ul>{% for diagnosis in data %}<li>{{ diagnosis.code }}{% if diagnosis.description %} {{ diagnosis.description }}{% endif %}
  {%- if diagnosis.rank == 1 %} (primary){% endif %}</li>{% endfor %}</ul>
{%- endcall %}
{% call(data) part("aftercare_plan", "Aftercare plan") -%}
  <p>Plan {{ data.template | replace("_", " ") }} ({{ data.status }}), discharge {{ data.discharge_date }}.
  {%- if data.follow_up.met_on %} Follow-up visit on {{ data.follow_up.met_on }}.{% endif %}</p>
  <table><tr><th>Task</th><th>Who</th><th>Due</th><th>Status</th></tr>
  {% for task in data.tasks %}<tr><td>{{ task.kind | replace("_", " ") }}</td><td>{{ task.owner_role | replace("_", " ") }}</td>
  <td>{{ task.due_date }}</td><td>{{ task.status }}</td></tr>{% endfor %}</table>
{%- endcall %}
{% call(data) part("follow_up_appointment", "Follow-up appointment") -%}
  <p>{{ data.starts_at }} ({{ data.status }}){% if data.late %}, booked past the 7-day window{% endif %}.</p>
{%- endcall %}
{% call(data) part("relapse_prevention_plan", "Relapse-prevention plan") -%}
  {% for section in data.sections %}<p><strong>{{ section.title }}</strong> ({{ section.prompt }}):
  {{ section["items"] | join("; ") or "not written yet" }}</p>{% endfor %}
{%- endcall %}
{%- macro contacts(people) -%}
  {%- if people %}<ul>{% for person in people %}<li>{{ person.name }}
  {%- if person.kind %} ({{ person.kind | replace("_", " ") }}){% endif %}{% if person.phone %}, {{ person.phone }}{% endif %}</li>
  {%- endfor %}</ul>{% else %}<p>none written</p>{% endif -%}
{%- endmacro -%}
{% call(data) part("safety_plan", "Safety plan (Stanley-Brown)") -%}
  <p>Version {{ data.version }}, written {{ data.created_at }}.</p>
  <p><strong>1. Warning signs:</strong> {{ data.warning_signs | join("; ") or "none written" }}</p>
  <p><strong>2. Internal coping strategies:</strong> {{ data.internal_coping_strategies | join("; ") or "none written" }}</p>
  <p><strong>3. People and social settings that provide distraction:</strong></p>{{ contacts(data.social_distractions) }}
  <p><strong>4. People to ask for help:</strong></p>{{ contacts(data.people_to_ask_for_help) }}
  <p><strong>5. Professionals and agencies to contact in a crisis:</strong></p>{{ contacts(data.professionals_and_agencies) }}
  {%- set means = data.environment_safety or {} %}
  <p><strong>6. Making the environment safe (lethal-means counselling{% if means.counselled_on %}, {{ means.counselled_on }}{% endif %}):</strong>
  means discussed: {{ (means.means_discussed or []) | map("replace", "_", " ") | join(", ") or "none" }};
  agreed: {{ (means.actions_agreed or []) | join("; ") or "nothing recorded" }}</p>
  {%- if data.reasons_for_living %}
  <p><strong>Reasons for living:</strong> {{ data.reasons_for_living | join("; ") }}</p>
  {%- endif %}
{%- endcall %}
{%- endif %}
{% call(data) part("medications", "Medications at discharge (reconciled)") -%}
  <table><tr><th>Medication</th><th>Dose, route, frequency</th><th>Prescriber</th><th>Since</th></tr>
  {% for entry in data.medications %}<tr><td>{{ "* " if entry.recently_changed }}{{ entry.medication }}</td>
  <td>{{ entry.dose }}, {{ entry.route }}, {{ entry.frequency }}</td><td>{{ entry.prescriber }}</td><td>{{ entry.start_date }}</td></tr>
  {% else %}<tr><td colspan="4">No active medications.</td></tr>{% endfor %}</table>
  <p><small>* started or dose changed shortly before discharge; reconciled {{ data.completed_at }}.</small></p>
{%- endcall %}
{% call(data) part("stopped_medications", "Stopped during the program") -%}
  <ul>{% for order in data %}<li>{{ order.medication }} {{ order.dose }}, stopped {{ order.discontinued_at }}</li>{% endfor %}</ul>
{%- endcall %}
{%- if packet.view == "full" %}
{% call(data) part("goals", "Goals carried over (treatment objectives not met)") -%}
  <ul>{% for goal in data %}<li>{{ goal.description or goal.objective_id }}
  {%- if goal.target_date %} (target {{ goal.target_date }}){% endif %}{% if goal.progress %}: {{ goal.progress | replace("_", " ") }}{% endif %}</li>{% endfor %}</ul>
{%- endcall %}
{%- endif %}
</body>
</html>
"""

_PAGE = Environment(autoescape=True, trim_blocks=True,
                    lstrip_blocks=True).from_string(TEMPLATE)


def render_packet(packet: dict) -> str:
    """The packet (as the use case answers it) as a printable page."""
    generated_at = packet["generated_at"]
    return _PAGE.render(packet={**packet, "generated_at": generated_at.isoformat(timespec="minutes")
                                if hasattr(generated_at, "isoformat") else generated_at})
