using System.Text.Json;
using OrderMonitoring.Cmdlets.FailedBatches;

namespace OrderMonitoring.Cmdlets.Tests.FailedBatches;

/// <summary>Attribute maps in typed DynamoDB JSON compared by meaning: what another JSON writer changes matches, any other change does not.</summary>
public sealed class TypedAttributeComparerTests
{
    [Theory]
    [InlineData("""{"a":{"N":"12.50"},"b":{"S":"x"}}""", """{"b":{"S":"x"},"a":{"N":"12.5"}}""")]
    [InlineData("""{"n":{"N":"12345678901234567890123456789012345678"}}""", """{"n":{"N":"1.2345678901234567890123456789012345678E37"}}""")]
    [InlineData("""{"s":{"SS":["a","b","c"]},"ns":{"NS":["1","2.0"]}}""", """{"ns":{"NS":["2","1.00"]},"s":{"SS":["c","a","b"]}}""")]
    [InlineData("""{"m":{"M":{"x":{"L":[{"BOOL":true},{"NULL":true}]}}}}""", """{ "m" : { "M" : { "x" : { "L" : [ { "BOOL" : true }, { "NULL" : true } ] } } } }""")]
    public void The_same_values_written_another_way_match(string stored, string stream) =>
        Assert.Null(TypedAttributeComparer.Difference(Parse(stored), Parse(stream), "NewImage"));

    [Theory]
    [InlineData("""{"n":{"N":"12345678901234567890123456789012345678"}}""", """{"n":{"N":"12345678901234567890123456789012345679"}}""", "NewImage.n is")]
    [InlineData("""{"l":{"L":[{"S":"a"},{"S":"b"}]}}""", """{"l":{"L":[{"S":"b"},{"S":"a"}]}}""", "NewImage.l[0] is")] // a list keeps its order
    [InlineData("""{"a":{"S":"1"}}""", """{"a":{"N":"1"}}""", "NewImage.a is")]
    [InlineData("""{"a":{"S":"1"},"extra":{"S":"x"}}""", """{"a":{"S":"1"}}""", "NewImage.extra is in the payload but not in the stream's record")]
    [InlineData("""{"a":{"S":"1"}}""", """{"a":{"S":"1"},"gone":{"S":"x"}}""", "NewImage.gone is in the stream's record but not in the payload")]
    [InlineData("""{"m":{"M":{"deep":{"BOOL":true}}}}""", """{"m":{"M":{"deep":{"BOOL":false}}}}""", "NewImage.m.deep is")]
    [InlineData("""{"s":{"SS":["a","b"]}}""", """{"s":{"SS":["a","b","c"]}}""", "NewImage.s is")]
    public void A_changed_added_or_removed_value_is_named_by_its_path(string stored, string stream, string why) =>
        Assert.StartsWith(why, TypedAttributeComparer.Difference(Parse(stored), Parse(stream), "NewImage"), StringComparison.Ordinal);

    [Fact]
    public void An_image_on_one_side_only_differs_and_none_on_both_matches()
    {
        Assert.Equal("OldImage is in the payload but not in the stream's record", TypedAttributeComparer.Difference(Parse("""{"a":{"S":"1"}}"""), null, "OldImage"));
        Assert.Equal("OldImage is in the stream's record but not in the payload", TypedAttributeComparer.Difference(null, Parse("""{"a":{"S":"1"}}"""), "OldImage"));
        Assert.Null(TypedAttributeComparer.Difference(null, null, "OldImage"));
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
