{%- set module_key = 'json-body' -%}
{% include 'module.py.j2' %}