"""The frozen executable's entry: exactly `repdesk` (ui.app.main), GUI and CLI alike."""

import multiprocessing

from ui.app import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    main()
