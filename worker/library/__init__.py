"""The exercise library: reviewed movement patterns, exercises, aliases and progression chains."""
