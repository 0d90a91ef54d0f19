package mlscan.lib.util

import rego.v1

test_loopback_urls if {
	loopback_url("http://127.0.0.1:5000/api")
	loopback_url("http://user@localhost/x")
	loopback_url("http://[::1]:8080/")
	loopback_url("HTTP://127.1.2.3")
	not loopback_url("http://mlflow:5000")
	not loopback_url("http://127.0.0.1.example.com/")
	not loopback_url("http://10.0.0.5/")
}

test_loopback_hosts if {
	loopback_host("::1")
	loopback_host("127.0.0.53")
	not loopback_host("0.0.0.0")
}
