# METADATA
# title: No input validation or guardrails on the serving path
# description: >-
#   A serving handler (FastAPI / Flask route, SageMaker input_fn / transform_fn) takes
#   the raw request body and hands it to the model without a schema: no pydantic request
#   model, no jsonschema validation, no Guardrails guard, no marshmallow schema, no
#   hand-written isinstance / key check that rejects a request of the wrong shape. Malformed,
#   out-of-range or adversarial inputs reach the model unchecked, and nothing bounds the
#   size of a request. Handlers that never reach a model (feedback, health, admin routes)
#   are not judged.
# custom:
#   id: MLS-ROB-002
#   severity: medium
#   stride: [tampering]
#   linddun: []
#   atlas: [AML.T0043]
#   owasp_ml: [ML01, ML09]
#   cwe: [20]
#   references: ["https://docs.pydantic.dev/latest/concepts/models/", "https://fastapi.tiangolo.com/tutorial/body/", "https://www.guardrailsai.com/docs"]
#   remediation: >-
#     Declare the request as a pydantic model (extra="forbid", bounded fields and list
#     lengths) and take it as the route parameter, or validate the parsed body with
#     Model.model_validate_json / jsonschema.validate in input_fn; validate outputs with a
#     response model.
package mlscan.controls.robustness.input_validation

import rego.v1

deny contains v if {
	some h in object.get(input, ["robustness", "serving"], [])
	count(h.validation) == 0
	not object.get(h, "reaches_model", true) == false # a route that never reaches a model
	v := {
		"msg": sprintf(
			"%s handler %s (%s) uses the request without validation; evidence that satisfies this control: a pydantic BaseModel request parameter, Model.model_validate*(), jsonschema.validate(), a Guardrails guard, or an isinstance / key check that rejects the request (in the handler or the function it passes the request to)",
			[h.path, h.function, h.framework],
		),
		"loc": h.input_loc,
		"asset": sprintf("%s:%s", [h.path, h.function]),
		"evidence": {"framework": h.framework, "raw_reads": h.raw_reads},
	}
}
