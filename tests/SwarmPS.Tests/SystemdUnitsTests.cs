using System;
using SwarmPS.Engine.Provisioning;
using Xunit;

namespace SwarmPS.Tests
{
    public sealed class SystemdUnitsTests
    {
        [Fact]
        public void DockerTcpSocket_RendersTheUnit()
        {
            Assert.Equal(
                "# Managed by SwarmPS: the Docker Engine API on TCP port 2376.\n" +
                "[Unit]\n" +
                "Description=Docker Engine API on TCP port 2376 (managed by SwarmPS)\n" +
                "PartOf=docker.service\n" +
                "\n" +
                "[Socket]\n" +
                "ListenStream=2376\n" +
                "BindIPv6Only=both\n" +
                "Service=docker.service\n" +
                "\n" +
                "[Install]\n" +
                "WantedBy=sockets.target\n",
                SystemdUnits.DockerTcpSocket(2376));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2376)]
        [InlineData(65535)]
        public void TryParsePort_ReadsWhatDockerTcpSocketWrote(int port)
        {
            Assert.True(SystemdUnits.TryParsePort(SystemdUnits.DockerTcpSocket(port), out int parsed));
            Assert.Equal(port, parsed);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(-1)]
        [InlineData(65536)]
        public void DockerTcpSocket_RejectsPortsOutOfRange(int port)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => SystemdUnits.DockerTcpSocket(port));
        }

        [Theory]
        [InlineData("[Socket]\nListenStream=0.0.0.0:2375\n", 2375)]
        [InlineData("[Socket]\nListenStream=[::]:2377\n", 2377)]
        [InlineData("[Socket]\r\n  ListenStream = 2378 \r\n", 2378)]
        [InlineData("[Socket]\nListenStream=1111\nListenStream=\nListenStream=2379\n", 2379)]
        public void TryParsePort_AcceptsOtherListenForms(string unit, int expected)
        {
            Assert.True(SystemdUnits.TryParsePort(unit, out int port));
            Assert.Equal(expected, port);
        }

        [Theory]
        [InlineData("")]
        [InlineData("[Unit]\nDescription=x\n")]
        [InlineData("[Unit]\nListenStream=2376\n")]
        [InlineData("[Socket]\n#ListenStream=2376\n")]
        [InlineData("[Socket]\nListenStream=2376\nListenStream=2377\n")]
        [InlineData("[Socket]\nListenStream=2376\nListenStream=\n")]
        [InlineData("[Socket]\nListenStream=abc\n")]
        [InlineData("[Socket]\nListenStream=70000\n")]
        [InlineData("[Socket]\nListenStream=0\n")]
        [InlineData("[Socket]\nListenStream=::1\n")]
        [InlineData("[Socket]\nListenStream=/run/docker.sock\n")]
        [InlineData("[Socket]\nListenStream=+2376\n")]
        public void TryParsePort_FalseWithoutASingleTcpPort(string unit)
        {
            Assert.False(SystemdUnits.TryParsePort(unit, out int port));
            Assert.Equal(0, port);
        }
    }
}
