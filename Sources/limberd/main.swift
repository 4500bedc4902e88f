import LimberDaemon
print(probeLinks())
