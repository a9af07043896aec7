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
            var now = new DateTime(2025, 3, 4, 10, 20, 0, DateTimeKind.Utc);
            var task = new TaskResponse
            {
                ID = "pwt7tb5dqtr32m93rmgjyt0fp",
                Slot = 1,
                ServiceID = "svc1",
                NodeID = "n1",
                CreatedAt = now.AddMinutes(-6),
                Spec = new TaskSpec { ContainerSpec = new ContainerSpec { Image = "swarmps/web:latest@sha256:0123abcd", Command = new List<string> { "httpd" }, Args = new List<string> { "-f", "-p", "80" } } },
                Status = new TaskStatus
                {
                    State = TaskState.Running,
                    Timestamp = now.AddMinutes(-5),
                    ContainerStatus = new ContainerStatus { ContainerID = "c1" },
                    PortStatus = new PortStatus { Ports = new List<PortConfig> { new PortConfig { Protocol = "tcp", TargetPort = 80, PublishedPort = 30002, PublishMode = "host" } } },
                },
            };
            var node = new NodeListResponse { ID = "n1", Description = new NodeDescription { Hostname = "core-02" }, Status = new NodeStatus { Addr = "10.213.7.102" } };
            SwarmContainer mapped = ContainerMapper.FromTask(task, "web", node, "demo", now, changed: true);
            Assert.Equal("web", mapped.Name);
            Assert.Equal("core-02", mapped.Node);
            Assert.Equal("10.213.7.102", mapped.Address);
            Assert.Equal("c1", mapped.ContainerId);
            Assert.Equal("web.1.pwt7tb5dqtr32m93rmgjyt0fp", mapped.ContainerName);
            Assert.Equal("svc1", mapped.ServiceId);
            Assert.Equal("pwt7tb5dqtr32m93rmgjyt0fp", mapped.TaskId);
            Assert.Equal("swarmps/web:latest", mapped.Image);
            Assert.Equal("httpd -f -p 80", mapped.Command);
            Assert.Equal(now.AddMinutes(-6), mapped.Created);
            Assert.Equal("running", mapped.State);
            Assert.Equal("Up 5 minutes", mapped.Status);
            Assert.Equal(new[] { "10.213.7.102:30002->80/tcp" }, mapped.Ports);
            Assert.Equal("core-02/web", mapped.ToString());
            Assert.True(mapped.Changed);
        }

        [Fact]
        public void FromTask_NamesAGlobalServicesContainerByItsNode_AsTheEngineDoes()
        {
            var task = new TaskResponse { ID = "t9", Slot = 0, NodeID = "x0ko9wlyb3ee7hrmgjzpkd35i", ServiceID = "s1", Status = new TaskStatus { State = TaskState.Running } };
            Assert.Equal("agent.x0ko9wlyb3ee7hrmgjzpkd35i.t9", ContainerMapper.FromTask(task, "agent", null, "demo", DateTime.UtcNow).ContainerName);
            Assert.Equal("agent", ContainerMapper.ReplicaNameOf(task, "agent"));
            Assert.Equal("web.3", ContainerMapper.ReplicaNameOf(new TaskResponse { ID = "t1", Slot = 3 }, "web"));
        }

        [Fact]
        public void FromTask_OfAStoppedTask_SaysExitedWithTheCode_AndOfAPendingOne_WhyItWaits()
        {
            var now = new DateTime(2025, 3, 4, 12, 0, 0, DateTimeKind.Utc);
            var failed = new TaskResponse
            {
                ID = "t1",
                Slot = 2,
                Status = new TaskStatus { State = TaskState.Failed, Timestamp = now.AddHours(-2), Err = "task: non-zero exit (1)", ContainerStatus = new ContainerStatus { ContainerID = "c2", ExitCode = 1 } },
            };
            SwarmContainer stopped = ContainerMapper.FromTask(failed, "job", null, "demo", now);
            Assert.Equal("failed", stopped.State);
            Assert.Equal("Exited (1) 2 hours ago", stopped.Status);

            var waiting = new TaskResponse
            {
                ID = "t2",
                Slot = 1,
                Status = new TaskStatus { State = TaskState.Pending, Message = "pending task scheduling", Err = "no suitable node (scheduling constraints not satisfied on 3 nodes)" },
            };
            SwarmContainer pending = ContainerMapper.FromTask(waiting, "tape", null, "demo", now);
            Assert.Equal("pending", pending.State);
            Assert.Equal("Pending: no suitable node (scheduling constraints not satisfied on 3 nodes)", pending.Status);
            Assert.Empty(pending.Node);
            Assert.Empty(pending.Address);
            Assert.Empty(pending.ContainerId);
            Assert.Empty(pending.Ports);
        }

        [Theory]
        [InlineData(0.5, "Less than a second")]
        [InlineData(1, "1 second")]
        [InlineData(45, "45 seconds")]
        [InlineData(90, "About a minute")]
        [InlineData(300, "5 minutes")]
        [InlineData(3660, "About an hour")]
        [InlineData(3 * 3600, "3 hours")]
        [InlineData(72 * 3600, "3 days")]
        [InlineData(20 * 86400, "2 weeks")]
        [InlineData(90 * 86400, "3 months")]
        [InlineData(800 * 86400, "2 years")]
        public void HumanDuration_WordsItAsDockerPsDoes(double seconds, string expected)
        {
            Assert.Equal(expected, ContainerMapper.HumanDuration(TimeSpan.FromSeconds(seconds)));
        }
    }
}
