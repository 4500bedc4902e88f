print("limberd")
