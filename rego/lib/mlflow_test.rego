package mlscan.lib.mlflow_test

import data.mlscan.lib.mlflow
import rego.v1

test_exposed if {
	mlflow.exposed({"host": "0.0.0.0"})
	not mlflow.exposed({"host": "127.0.0.2"})
	not mlflow.exposed({"host": "localhost"})
	not mlflow.exposed({"host": null})
}

test_version_lt if {
	mlflow.version_lt([2, 9, 1], [2, 10, 0])
	mlflow.version_lt([1, 99, 99], [2, 0, 0])
	mlflow.version_lt([2, 10, 0], [2, 10, 1])
	not mlflow.version_lt([2, 10, 0], [2, 10, 0])
}

test_flag_loc_falls_back_to_command if {
	mlflow.flag_loc({"host_loc": {"line": 2}, "loc": {"line": 1}}, "host_loc") == {"line": 2}
	mlflow.flag_loc({"host_loc": null, "loc": {"line": 1}}, "host_loc") == {"line": 1}
}
