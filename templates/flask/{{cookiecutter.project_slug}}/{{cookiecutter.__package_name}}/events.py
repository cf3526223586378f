{%- set module_key = 'events' -%}
{% include 'module.py.j2' %}