"""The reporting service's rules, pure and synchronous: no I/O, no framework.

``shu``: the SHU engine (policies, the arithmetic, the calculation's lifecycle);
``reports``: what a monthly report computes from its cooperatives' figures;
``regions``: the names of Indonesia's provinces and regencies.
"""
