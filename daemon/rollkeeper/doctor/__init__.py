"""`rollkeeper doctor`: is this cart ready to run? Each check a plain function, one result each."""
