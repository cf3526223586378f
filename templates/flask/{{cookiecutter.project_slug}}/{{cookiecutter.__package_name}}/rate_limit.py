{%- set module_key = 'rate-limit' -%}
{% include 'module.py.j2' %}