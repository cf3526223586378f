{%- set module_key = 'request-id' -%}
{% include 'module.py.j2' %}