"""Write the plain parameters of the churn baseline as safetensors (no pickle)."""
import sys

import mlflow
import numpy as np
from safetensors.numpy import save_file

model = mlflow.sklearn.load_model(sys.argv[1])
save_file({"coef": model.coef_.astype(np.float32), "intercept": model.intercept_.astype(np.float32)},
          sys.argv[2], metadata={"format": "numpy", "model": "churn-baseline", "version": "3"})
