using System;
using System.Globalization;
using System.Management.Automation;
using System.Text.RegularExpressions;

namespace SwarmPS.Infrastructure
{
    /// <summary>
    /// Lets -Since take a duration back from now as well as a time, as docker logs --since does: a TimeSpan, or
    /// text such as 10m, 90s or 1h30m (units h, m, s, ms). Anything else is left for PowerShell to read as a DateTime.
    /// </summary>
    public sealed class SinceArgumentTransformationAttribute : ArgumentTransformationAttribute
    {
        private static readonly Regex Duration = new Regex(@"^(?:(\d+(?:\.\d+)?)(h|ms|m|s))+$", RegexOptions.CultureInvariant);

        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            if (value is TimeSpan span)
            {
                return DateTime.Now - span;
            }

            return value is string text && TryParseDuration(text.Trim(), out TimeSpan back) ? DateTime.Now - back : inputData;
        }

        /// <summary>Reads a duration as Go writes one (1h30m, 10m, 90s, 500ms).</summary>
        internal static bool TryParseDuration(string text, out TimeSpan duration)
        {
            duration = TimeSpan.Zero;
            Match match = Duration.Match(text);
            if (!match.Success)
            {
                return false;
            }

            for (int i = 0; i < match.Groups[1].Captures.Count; i++)
            {
                double amount = double.Parse(match.Groups[1].Captures[i].Value, CultureInfo.InvariantCulture);
                duration += match.Groups[2].Captures[i].Value switch
                {
                    "h" => TimeSpan.FromHours(amount),
                    "m" => TimeSpan.FromMinutes(amount),
                    "s" => TimeSpan.FromSeconds(amount),
                    _ => TimeSpan.FromMilliseconds(amount),
                };
            }

            return true;
        }
    }
}
