{%- set module_key = 'logging' -%}
{% include 'module.py.j2' %}