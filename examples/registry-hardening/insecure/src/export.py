"""Write the plain parameters of the churn baseline next to the MLflow model."""
import pickle
import sys

import mlflow

model = mlflow.sklearn.load_model(sys.argv[1])
params = {"estimator": "LogisticRegression", "coef_": model.coef_.tolist(),
          "intercept_": model.intercept_.tolist()}
with open(sys.argv[2], "wb") as fh:
    pickle.dump(params, fh, protocol=4)
