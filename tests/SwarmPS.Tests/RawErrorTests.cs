using System;
using SwarmPS.Engine.Provisioning;
using SwarmPS.Engine.Ssh;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>Inputs that once escaped as raw .NET exceptions now fail with a stable id that says what to fix.</summary>
    public sealed class RawErrorTests
    {
        [Theory]
        [InlineData("{\"labels\": [\"zone=\\ud800\"]}")]
        [InlineData("{\"\\udc00\": 1}")]
        [InlineData("{\"debug\": \"\\ud800\\ud800\"}")]
        public void DaemonJson_LoneSurrogate_IsDaemonJsonInvalid(string json)
        {
            SwarmException error = Assert.Throws<SwarmException>(() => DaemonConfig.Parse(json, "/etc/docker/daemon.json"));

            Assert.Equal("DaemonJsonInvalid", error.ErrorId);
            Assert.Equal("/etc/docker/daemon.json", error.Target);
            Assert.Contains("surrogate", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void DaemonJson_LoneSurrogate_IsNotEquivalentToAnything()
        {
            Assert.False(DaemonConfig.SemanticallyEqual("{\"x\": \"\\ud800\"}", "{\"x\": \"\\ud800\"}"));
        }

        [Theory]
        [InlineData("core-01")]
        [InlineData("core_01.lab.example")]
        [InlineData("10.0.0.5")]
        [InlineData("fd00::5")]
        [InlineData("[fd00::5]")]
        [InlineData("CORE-01.")]
        public void HostName_Valid_IsAccepted(string name)
        {
            HostNames.Validate(name);
        }

        [Theory]
        [InlineData("")]
        [InlineData("core 01")]
        [InlineData("core/01")]
        [InlineData("user@core-01")]
        [InlineData("core..01")]
        [InlineData("-core")]
        [InlineData(".core")]
        public void HostName_Malformed_IsHostNameInvalid(string name)
        {
            SwarmException error = Assert.Throws<SwarmException>(() => HostNames.Validate(name));

            Assert.Equal("HostNameInvalid", error.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidArgument, error.Kind);
        }

        [Fact]
        public void HostName_TooLong_IsHostNameInvalidSayingTheLimits()
        {
            string longName = new string('a', 256);
            string longLabel = new string('b', 64) + ".example";

            SwarmException tooLong = Assert.Throws<SwarmException>(() => HostNames.Validate(longName));
            SwarmException labelTooLong = Assert.Throws<SwarmException>(() => HostNames.Validate(longLabel));

            Assert.Equal("HostNameInvalid", tooLong.ErrorId);
            Assert.Contains("253", tooLong.Message, StringComparison.Ordinal);
            Assert.Equal("HostNameInvalid", labelTooLong.ErrorId);
            Assert.Contains("63", labelTooLong.Message, StringComparison.Ordinal);
        }
    }
}
