"""``python -m protocols``: the command line, as the ``protocols`` script runs it."""

from protocols.cli import main

if __name__ == "__main__":
    main()
