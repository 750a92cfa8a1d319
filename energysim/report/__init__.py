"""Reports from results files: IAMC and tidy exports, the energy balance table, charts, the HTML
page, and the comparison of several runs. Every function reads an `xarray.Dataset` written by
`energysim run` and needs nothing else."""
