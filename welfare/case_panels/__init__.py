"""The welfare sections of the case page, one module per panel: family support
(`family`), suspect welfare (`suspects`) and the Victims' Code (`victims`).
`welfare.apps` registers each with `cases.panels.case_panel_register`."""
