{%- set module_key = 'error-handlers' -%}
{% include 'module.py.j2' %}