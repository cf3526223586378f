{%- set module_key = 'security-headers' -%}
{% include 'module.py.j2' %}