"""`python -m bot` runs the `scout` command line."""

from bot.cli import main

if __name__ == "__main__":
    main()
