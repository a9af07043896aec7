using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SwarmPS.Engine.Workloads
{
    /// <summary>Durations as Docker's CLI takes them (30s, 1m30s, 500ms, 2h) as well as TimeSpan text (00:00:30).</summary>
    public static class Duration
    {
        private static readonly Regex Part = new Regex(@"(?<number>\d+(\.\d+)?)(?<unit>ns|us|µs|ms|s|m|h)", RegexOptions.CultureInvariant);
        private static readonly Regex Whole = new Regex(@"^((\d+(\.\d+)?)(ns|us|µs|ms|s|m|h))+$", RegexOptions.CultureInvariant);

        public static TimeSpan Parse(string text, string parameter)
        {
            string trimmed = (text ?? string.Empty).Trim();
            if (Whole.IsMatch(trimmed))
            {
                double ticks = 0;
                foreach (Match part in Part.Matches(trimmed))
                {
                    double number = double.Parse(part.Groups["number"].Value, CultureInfo.InvariantCulture);
                    ticks += number * part.Groups["unit"].Value switch
                    {
                        "ns" => TimeSpan.TicksPerMillisecond / 1_000_000.0,
                        "us" or "µs" => TimeSpan.TicksPerMillisecond / 1000.0,
                        "ms" => TimeSpan.TicksPerMillisecond,
                        "s" => TimeSpan.TicksPerSecond,
                        "m" => TimeSpan.TicksPerMinute,
                        _ => TimeSpan.TicksPerHour,
                    };
                }

                return TimeSpan.FromTicks((long)ticks);
            }

            if (TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out TimeSpan span) && span >= TimeSpan.Zero)
            {
                return span;
            }

            throw new SwarmException("DurationInvalid", SwarmErrorKind.InvalidArgument,
                $"-{parameter} '{text}' is not a duration. Write it as Docker does (30s, 1m30s, 500ms, 2h) or as a TimeSpan (00:01:30).", text);
        }

        /// <summary>A duration as Docker prints it: 30s, 1m30s, 500ms.</summary>
        public static string Format(TimeSpan span)
        {
            if (span == TimeSpan.Zero)
            {
                return "0s";
            }

            if (span < TimeSpan.FromSeconds(1))
            {
                return string.Format(CultureInfo.InvariantCulture, "{0:0.###}ms", span.TotalMilliseconds);
            }

            string text = string.Empty;
            if (span.Hours + (span.Days * 24) > 0)
            {
                text += $"{span.Hours + (span.Days * 24)}h";
            }

            if (span.Minutes > 0)
            {
                text += $"{span.Minutes}m";
            }

            if (span.Seconds > 0 || span.Milliseconds > 0)
            {
                text += span.Milliseconds > 0 ? string.Format(CultureInfo.InvariantCulture, "{0:0.###}s", span.Seconds + (span.Milliseconds / 1000.0)) : $"{span.Seconds}s";
            }

            return text;
        }
    }
}
