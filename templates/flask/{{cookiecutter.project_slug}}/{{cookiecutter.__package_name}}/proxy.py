{%- set module_key = 'proxy' -%}
{% include 'module.py.j2' %}