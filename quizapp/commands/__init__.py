"""Subcommands of the `quizapp` command line, grouped by the user they serve."""
