using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Processor.Tests;

public sealed class DynamoNumberTests
{
    [Theory]
    [InlineData("1700000000000", true)]
    [InlineData("1e15", true)]
    [InlineData("1.5E1", true)]
    [InlineData("9007199254740993", true)]
    [InlineData("123456789012345678901234567890", true)]
    [InlineData("-42", true)]
    [InlineData("10.000", true)]
    [InlineData("0", true)]
    [InlineData("1.5", false)]
    [InlineData("1e-1", false)]
    [InlineData("100e-2", true)]
    [InlineData("-0.25", false)]
    [InlineData("abc", false)]
    [InlineData("", false)]
    [InlineData("1e99999999999", false)]
    [InlineData("NaN", false)]
    public void Recognises_whole_numbers_from_their_text(string text, bool isInteger) =>
        Assert.Equal(isInteger, DynamoNumber.IsInteger(text));
}
