"""Testing support: random DSL programs and translation validation of passes."""
