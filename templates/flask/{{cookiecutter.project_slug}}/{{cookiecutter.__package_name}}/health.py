{%- set module_key = 'health' -%}
{% include 'module.py.j2' %}