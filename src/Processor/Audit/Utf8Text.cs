namespace OrderMonitoring.Processor.Audit;

/// <summary>Cuts text to a UTF-8 byte budget for size-limited channels (SNS), never splitting a character.</summary>
internal static class Utf8Text
{
    /// <summary>The longest prefix of <paramref name="text"/> whose UTF-8 form fits <paramref name="maxBytes"/>.</summary>
    public static string Truncate(string text, int maxBytes)
    {
        var bytes = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var pair = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            var size = pair ? 4 : text[i] < 0x80 ? 1 : text[i] < 0x800 ? 2 : 3;
            if (bytes + size > maxBytes)
            {
                return text.Substring(0, i);
            }

            bytes += size;
            i += pair ? 1 : 0;
        }

        return text;
    }
}
