from drf_spectacular.generators import SchemaGenerator


def test_the_schema_describes_the_integration_token_and_endpoints():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    scheme = schema["components"]["securitySchemes"]["integrationToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    inbound = schema["paths"]["/api/v1/inbound/complaints/"]["post"]
    assert {"200", "201", "400", "401", "403", "409"} <= set(inbound["responses"])
    headers = [p for p in inbound["parameters"] if p["in"] == "header"]
    assert headers[0]["name"] == "Idempotency-Key" and headers[0]["required"] is True
    assert "examples" in str(inbound["requestBody"])
    calls = schema["paths"]["/api/v1/telephony/calls/"]["post"]
    assert {"201", "400", "401", "403", "404"} <= set(calls["responses"])
