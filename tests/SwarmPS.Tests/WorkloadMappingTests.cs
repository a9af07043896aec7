using System;
using System.Collections.Generic;
using Docker.DotNet.Models;
using SwarmPS.Engine.Workloads;
using Xunit;

namespace SwarmPS.Tests
{
    public sealed class WorkloadMappingTests
    {
        [Theory]
        [InlineData("80", 0u, 80u, "tcp")]
        [InlineData("8080:80", 8080u, 80u, "tcp")]
        [InlineData("8080:80/udp", 8080u, 80u, "udp")]
        [InlineData(" 53/UDP ", 0u, 53u, "udp")]
        public void PortSpec_ParsesDockerRunForms(string text, uint published, uint target, string protocol)
        {
            PortSpec port = PortSpec.Parse(text);
            Assert.Equal(published, port.Published);
            Assert.Equal(target, port.Target);
            Assert.Equal(protocol, port.Protocol);
        }

        [Theory]
        [InlineData("")]
        [InlineData("0")]
        [InlineData("70000:80")]
        [InlineData("1.2.3.4:8080:80")]
        [InlineData("80/icmp")]
        [InlineData("http")]
        public void PortSpec_RefusesWhatSwarmCannotPublish(string text)
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => PortSpec.Parse(text));
            Assert.Equal("PublishInvalid", failure.ErrorId);
            Assert.Contains("8080:80/tcp", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Map_NamesASwarmTaskByItsService_AndShowsPortsOnTheNodeAddress()
        {
            var container = new ContainerListResponse
            {
                ID = "0123456789abcdef",
                Names = new List<string> { "/db.1.abcdefghijk" },
                Image = "swarmps/busybox:latest@sha256:1234",
                Command = "sleep 3600",
                State = "running",
                Status = "Up 3 minutes",
                Labels = new Dictionary<string, string> { ["com.docker.swarm.service.name"] = "db", ["com.docker.swarm.service.id"] = "svc1" },
                Ports = new List<PortSummary> { new PortSummary { IP = "0.0.0.0", PrivatePort = 80, PublicPort = 30001, Type = "tcp" }, new PortSummary { IP = "::", PrivatePort = 80, PublicPort = 30001, Type = "tcp" }, new PortSummary { PrivatePort = 443, Type = "tcp" } },
            };
            SwarmContainer mapped = ContainerMapper.Map(container, "core-01", "10.213.7.101", "demo");
            Assert.Equal("db", mapped.Name);
            Assert.Equal("db.1.abcdefghijk", mapped.ContainerName);
            Assert.Equal("svc1", mapped.ServiceId);
            Assert.Equal("swarmps/busybox:latest", mapped.Image);
            Assert.Equal(new[] { "10.213.7.101:30001->80/tcp" }, mapped.Ports);
            Assert.Equal("core-01/db", mapped.ToString());
        }

        [Fact]
        public void Map_KeepsAPlainContainersOwnName()
        {
            var container = new ContainerListResponse { ID = "1", Names = new List<string> { "/keepalive" }, Image = "x", State = "running" };
            SwarmContainer mapped = ContainerMapper.Map(container, "core-02", "10.213.7.102", "demo");
            Assert.Equal("keepalive", mapped.Name);
            Assert.Empty(mapped.ServiceId);
            Assert.Equal("core-02/keepalive", mapped.ToString());
        }

        [Fact]
        public void FromTask_ReadsTheContainerAndTheHostModePorts()
        {
            var task = new TaskResponse
            {
                ID = "t1",
                Slot = 1,
                ServiceID = "svc1",
                Status = new TaskStatus
                {
                    State = TaskState.Running,
                    ContainerStatus = new ContainerStatus { ContainerID = "c1" },
                    PortStatus = new PortStatus { Ports = new List<PortConfig> { new PortConfig { Protocol = "tcp", TargetPort = 80, PublishedPort = 30002, PublishMode = "host" } } },
                },
            };
            var node = new NodeListResponse { ID = "n1", Description = new NodeDescription { Hostname = "core-02" }, Status = new NodeStatus { Addr = "10.213.7.102" } };
            SwarmContainer mapped = ContainerMapper.FromTask(task, "web", "swarmps/web", node, "demo", changed: true);
            Assert.Equal("core-02", mapped.Node);
            Assert.Equal("c1", mapped.ContainerId);
            Assert.Equal("running", mapped.State);
            Assert.Equal(new[] { "10.213.7.102:30002->80/tcp" }, mapped.Ports);
            Assert.True(mapped.Changed);
        }
    }
}
