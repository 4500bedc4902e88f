print("limber")
