from batteryloop.cli.app import main

main()
