lora-train -t x -o y
