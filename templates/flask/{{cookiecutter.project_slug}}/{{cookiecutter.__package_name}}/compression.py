{%- set module_key = 'compression' -%}
{% include 'module.py.j2' %}