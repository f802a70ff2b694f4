from caseflow.cli import main

main()
