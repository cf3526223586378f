{%- set module_key = 'cors' -%}
{% include 'module.py.j2' %}