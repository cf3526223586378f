{%- set module_key = 'database' -%}
{% include 'module.py.j2' %}