using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Security.Authentication;
using Docker.DotNet;

namespace SwarmPS.Engine.Docker
{
    /// <summary>
    /// The one place where a failure of the Engine API, or of the way to it, becomes a SwarmException:
    /// a stable id, a category that says what kind of failure it was, and the host as target.
    /// </summary>
    internal static class DockerFailures
    {
        /// <param name="failure">What the call threw.</param>
        /// <param name="host">The host the engine runs on: the error's target.</param>
        /// <param name="endpoint">Where the engine was dialled, for the message.</param>
        /// <param name="what">The operation in plain words, such as "Creating service 'web'".</param>
        /// <param name="errorId">The id for an engine that answered with an error.</param>
        internal static SwarmException Translate(Exception failure, string host, EngineEndpoint endpoint, string what, string errorId)
        {
            switch (failure)
            {
                case SwarmException known:
                    return known.Target != null ? known : new SwarmException(known.ErrorId, known.Kind, $"{known.Message} ({host})", host, known.InnerException);
                case DockerApiException answered:
                    return FromAnswer(answered, host, what, errorId);
            }

            Exception innermost = Innermost(failure);
            if (failure is TimeoutException || innermost is TimeoutException || (failure is OperationCanceledException && innermost is TimeoutException))
            {
                return new SwarmException("DockerEndpointUnreachable", SwarmErrorKind.OperationTimeout,
                    $"{what} on {host}: the Docker engine did not answer at {endpoint} in time. Check that the host is up and its Engine API is reachable.", host, failure);
            }

            if (Find<AuthenticationException>(failure) != null)
            {
                return new SwarmException("DockerTlsHandshakeFailed", SwarmErrorKind.SecurityError,
                    $"{what} on {host}: the TLS handshake with {endpoint} failed ({innermost.Message}). The engine must present a server certificate from the SwarmPS CA that names the host, and accept the SwarmPS client certificate: run Enable-DockerTcpSocket for {host} again.", host, failure);
            }

            if (failure is HttpRequestException || failure is IOException || failure is System.Net.Sockets.SocketException || failure is ObjectDisposedException
                || Find<System.Net.Sockets.SocketException>(failure) != null || Find<IOException>(failure) != null)
            {
                return new SwarmException("DockerEndpointUnreachable", SwarmErrorKind.ConnectionError,
                    $"{what} on {host}: the Docker engine did not answer at {endpoint}: {innermost.Message} Run Enable-DockerTcpSocket for this host, and check that the port is reachable.", host, failure);
            }

            if (failure is System.Text.Json.JsonException || failure is FormatException || failure is InvalidCastException || failure.GetType().Namespace?.StartsWith("Newtonsoft", StringComparison.Ordinal) == true)
            {
                return new SwarmException("DockerAnswerInvalid", SwarmErrorKind.InvalidData,
                    $"{what} on {host}: the engine at {endpoint} gave an answer SwarmPS cannot read ({innermost.Message}). Check that it is a Docker Engine of API version 1.41 or later.", host, failure);
            }

            return new SwarmException("DockerCallFailed", SwarmErrorKind.InvalidOperation,
                $"{what} on {host} failed: {innermost.Message}", host, failure);
        }

        private static SwarmException FromAnswer(DockerApiException failure, string host, string what, string errorId)
        {
            string body = failure.ResponseBody?.Trim() ?? string.Empty;
            if (body.Contains("could not choose an IP address to advertise", StringComparison.OrdinalIgnoreCase)
                || body.Contains("must specify a listening address", StringComparison.OrdinalIgnoreCase))
            {
                return new SwarmException("AdvertiseAddressAmbiguous", SwarmErrorKind.InvalidArgument,
                    $"{host} has several network addresses and Docker cannot choose which one to advertise to the other nodes. Give it with -AdvertiseAddress.", host, failure);
            }

            if (failure.StatusCode == HttpStatusCode.ServiceUnavailable
                && (body.Contains("not a swarm manager", StringComparison.OrdinalIgnoreCase) || body.Contains("not part of a swarm", StringComparison.OrdinalIgnoreCase)))
            {
                return new SwarmException("NotSwarmManager", SwarmErrorKind.ResourceUnavailable,
                    $"{what} on {host} failed: {host} is not a manager of a swarm ({body}). Run it against a manager of the cluster.", host, failure);
            }

            if (body.Contains("update out of sequence", StringComparison.OrdinalIgnoreCase))
            {
                return new SwarmException("UpdateOutOfSequence", SwarmErrorKind.InvalidOperation,
                    $"{what} on {host} failed: it was changed by someone else since it was read ({body}). Run the command again.", host, failure);
            }

            SwarmErrorKind kind = failure.StatusCode switch
            {
                HttpStatusCode.BadRequest => SwarmErrorKind.InvalidArgument,
                HttpStatusCode.Unauthorized => SwarmErrorKind.SecurityError,
                HttpStatusCode.Forbidden => SwarmErrorKind.PermissionDenied,
                HttpStatusCode.NotFound => SwarmErrorKind.ObjectNotFound,
                HttpStatusCode.Conflict => SwarmErrorKind.ResourceExists,
                HttpStatusCode.ServiceUnavailable => SwarmErrorKind.ResourceUnavailable,
                HttpStatusCode.RequestTimeout or HttpStatusCode.GatewayTimeout => SwarmErrorKind.OperationTimeout,
                _ => SwarmErrorKind.InvalidOperation,
            };
            return new SwarmException(errorId, kind,
                $"{what} on {host} failed: the engine answered {(int)failure.StatusCode} ({failure.StatusCode}): {body}", host, failure);
        }

        private static T? Find<T>(Exception failure)
            where T : Exception
        {
            for (Exception? current = failure; current != null; current = current.InnerException)
            {
                if (current is T found)
                {
                    return found;
                }
            }

            return null;
        }

        private static Exception Innermost(Exception failure)
        {
            while (failure.InnerException != null)
            {
                failure = failure.InnerException;
            }

            return failure;
        }
    }
}
