using System.Text.Json;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Processor.Tests;

public sealed class AttributeValueConverterTests
{
    private static string Convert(string dynamoJson)
    {
        using var document = JsonDocument.Parse(dynamoJson);
        return AttributeValueConverter.ConvertItem(document.RootElement);
    }

    [Theory]
    [InlineData("""{"a":{"S":"text"}}""", """{"a":"text"}""")]
    [InlineData("""{"a":{"N":"9007199254740993"}}""", """{"a":9007199254740993}""")]
    [InlineData("""{"a":{"N":"123456789012345678901234567890.12345678"}}""", """{"a":123456789012345678901234567890.12345678}""")]
    [InlineData("""{"a":{"N":"-0.000000000000000000000000000000000001"}}""", """{"a":-0.000000000000000000000000000000000001}""")]
    [InlineData("""{"a":{"N":"1E+125"}}""", """{"a":1E+125}""")]
    [InlineData("""{"a":{"N":"+5"}}""", """{"a":"+5"}""")]
    [InlineData("""{"a":{"B":"AAEC/w=="}}""", """{"a":"AAEC/w=="}""")]
    [InlineData("""{"a":{"BOOL":true},"b":{"BOOL":false}}""", """{"a":true,"b":false}""")]
    [InlineData("""{"a":{"NULL":true}}""", """{"a":null}""")]
    [InlineData("""{"a":{"SS":["x","y"]}}""", """{"a":["x","y"]}""")]
    [InlineData("""{"a":{"NS":["1","2.50","18446744073709551617"]}}""", """{"a":[1,2.50,18446744073709551617]}""")]
    [InlineData("""{"a":{"BS":["AQ==","Ag=="]}}""", """{"a":["AQ==","Ag=="]}""")]
    [InlineData("""{"a":{"L":[{"S":"x"},{"N":"1"},{"L":[{"NULL":true}]}]}}""", """{"a":["x",1,[null]]}""")]
    [InlineData("""{"a":{"M":{"b":{"M":{"c":{"N":"3"}}},"d":{"SS":["q"]}}}}""", """{"a":{"b":{"c":3},"d":["q"]}}""")]
    [InlineData("""{"ünï":{"S":"café \u0001"}}""", """{"ünï":"café \u0001"}""")]
    public void Converts_every_attribute_type_to_plain_json_without_losing_digits(string dynamo, string expected) =>
        Assert.Equal(expected, Convert(dynamo));

    [Theory]
    [InlineData("""{"a":{"N":"12abc"}}""", "a")]
    [InlineData("""{"a":{"N":12}}""", "a")]
    [InlineData("""{"a":{"X":"1"}}""", "unknown type")]
    [InlineData("""{"a":{"S":"x","N":"1"}}""", "more than one")]
    [InlineData("""{"a":{}}""", "no type")]
    [InlineData("""{"a":"plain"}""", "typed value")]
    [InlineData("""{"a":{"B":"not base64!"}}""", "base64")]
    [InlineData("""{"a":{"M":{"b":{"L":[{"N":"x"}]}}}}""", "a.b[0]")]
    [InlineData("""{"a":{"BOOL":"yes"}}""", "BOOL")]
    public void Malformed_values_throw_a_format_error_naming_the_attribute(string dynamo, string expectedFragment)
    {
        var error = Assert.Throws<FormatException>(() => Convert(dynamo));
        Assert.Contains(expectedFragment, error.Message, StringComparison.Ordinal);
    }
}
