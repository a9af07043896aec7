using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SwarmPS.Engine.Workloads
{
    /// <summary>Memory sizes as users write them (512MB, 1GB, 1.5g, 268435456), in binary units as Docker reads them.</summary>
    public static class MemorySize
    {
        private static readonly Regex Pattern = new Regex(@"^\s*(?<number>\d+(\.\d+)?)\s*(?<unit>b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>The size in bytes; a SwarmException (MemorySizeInvalid) names the parameter and says what would be right.</summary>
        public static long Parse(string text, string parameter)
        {
            Match match = Pattern.Match(text ?? string.Empty);
            if (!match.Success || !decimal.TryParse(match.Groups["number"].Value, NumberStyles.Number, CultureInfo.InvariantCulture, out decimal number))
            {
                throw Invalid(text, parameter);
            }

            decimal multiplier = char.ToLowerInvariant(match.Groups["unit"].Success ? match.Groups["unit"].Value[0] : 'b') switch
            {
                'k' => 1024m,
                'm' => 1024m * 1024,
                'g' => 1024m * 1024 * 1024,
                't' => 1024m * 1024 * 1024 * 1024,
                _ => 1m,
            };
            decimal bytes = decimal.Round(number * multiplier);
            if (bytes <= 0 || bytes > long.MaxValue)
            {
                throw Invalid(text, parameter);
            }

            return (long)bytes;
        }

        /// <summary>Bytes as a short text: 512 MiB, 1.5 GiB.</summary>
        public static string Format(long bytes)
        {
            string[] units = { "B", "KiB", "MiB", "GiB", "TiB" };
            double value = bytes;
            int unit = 0;
            while (value >= 1024 && unit < units.Length - 1)
            {
                value /= 1024;
                unit++;
            }

            return unit == 0 ? $"{bytes} B" : string.Format(CultureInfo.InvariantCulture, "{0:0.##} {1}", value, units[unit]);
        }

        private static SwarmException Invalid(string? text, string parameter) => new SwarmException("MemorySizeInvalid", SwarmErrorKind.InvalidArgument,
            $"-{parameter} '{text}' is not a memory size. Write a number of bytes or a size with a unit, such as 512MB, 1GB or 1.5g (binary units, as Docker reads them).", text);
    }
}
