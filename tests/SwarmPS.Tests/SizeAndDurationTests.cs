using System;
using SwarmPS.Engine.Workloads;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>Memory sizes and durations as users write them on the command line.</summary>
    public sealed class SizeAndDurationTests
    {
        [Theory]
        [InlineData("268435456", 268435456L)]
        [InlineData("512MB", 512L * 1024 * 1024)]
        [InlineData("512m", 512L * 1024 * 1024)]
        [InlineData("1GB", 1L << 30)]
        [InlineData("1.5g", 3L << 29)]
        [InlineData("64 KiB", 64L * 1024)]
        [InlineData("2TB", 2L << 40)]
        public void MemorySize_ReadsBinaryUnits_AsDockerDoes(string text, long bytes)
        {
            Assert.Equal(bytes, MemorySize.Parse(text, "ReserveMemory"));
        }

        [Theory]
        [InlineData("lots")]
        [InlineData("")]
        [InlineData("-5MB")]
        [InlineData("0")]
        [InlineData("12 parsecs")]
        public void MemorySize_RefusesWhatIsNotASize_NamingTheParameter(string text)
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => MemorySize.Parse(text, "LimitMemory"));

            Assert.Equal("MemorySizeInvalid", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidArgument, failure.Kind);
            Assert.Contains("-LimitMemory", failure.Message, StringComparison.Ordinal);
            Assert.Contains("512MB", failure.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(512L * 1024 * 1024, "512 MiB")]
        [InlineData(1536L * 1024 * 1024, "1.5 GiB")]
        [InlineData(100L, "100 B")]
        public void MemorySize_Formats_InBinaryUnits(long bytes, string text)
        {
            Assert.Equal(text, MemorySize.Format(bytes));
        }

        [Theory]
        [InlineData("30s", 30_000)]
        [InlineData("1m30s", 90_000)]
        [InlineData("500ms", 500)]
        [InlineData("2h", 7_200_000)]
        [InlineData("1.5s", 1_500)]
        [InlineData("00:01:30", 90_000)]
        public void Duration_ReadsDockersFormAndTimeSpanText(string text, int milliseconds)
        {
            Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Duration.Parse(text, "HealthInterval"));
        }

        [Theory]
        [InlineData("soon")]
        [InlineData("5 seconds")]
        [InlineData("-00:00:05")]
        [InlineData("10x")]
        public void Duration_RefusesWhatIsNotADuration_NamingTheParameter(string text)
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => Duration.Parse(text, "UpdateDelay"));

            Assert.Equal("DurationInvalid", failure.ErrorId);
            Assert.Contains("-UpdateDelay", failure.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(90_000, "1m30s")]
        [InlineData(5_000, "5s")]
        [InlineData(500, "500ms")]
        [InlineData(1_500, "1.5s")]
        [InlineData(7_200_000, "2h")]
        public void Duration_Formats_AsDockerPrintsIt(int milliseconds, string text)
        {
            Assert.Equal(text, Duration.Format(TimeSpan.FromMilliseconds(milliseconds)));
        }
    }
}
