using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Configuration section "Service:Grpc": what a service's gRPC server accepts.</summary>
public sealed class GrpcInputOptions
{
    public const string SectionName = "Service:Grpc";

    /// <summary>
    /// Largest request message, in bytes. 4 MB (gRPC's own default) holds the largest document the product accepts
    /// (1,000,000 characters of at most 3 UTF-8 bytes each, plus id, title and url) as one message: the gateway's
    /// public port and retrieval keep it. Each back service sets what the gateway sends it in its appsettings.json.
    /// </summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxReceiveMessageBytes { get; set; } = 4 * 1024 * 1024;
}

/// <summary>
/// What no gRPC input may do: be larger than the service needs (<see cref="GrpcInputOptions"/>), or end as
/// <c>UNKNOWN</c>. grpc-dotnet deserialises a request before any handler or interceptor runs and reports whatever
/// the parser throws (a string field that is not UTF-8, CESU-encoded surrogates, a truncated or malformed message)
/// as UNKNOWN, "Exception was thrown by handler". Every service's methods are therefore bound with request
/// deserialisers that turn such a message into INVALID_ARGUMENT naming the message. Frames that are not gRPC at all
/// (a cut-off length prefix, a message over the limit) keep gRPC's own INTERNAL and RESOURCE_EXHAUSTED, whatever the
/// size of the body (<see cref="GrpcBodyLimit"/>).
/// </summary>
public static class GrpcInput
{
    public static IHostApplicationBuilder AddGrpcInput(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<GrpcInputOptions>(GrpcInputOptions.SectionName);
        builder.Services.AddOptions<GrpcServiceOptions>()
            .Configure<IOptions<GrpcInputOptions>>((grpc, input) => grpc.MaxReceiveMessageSize = input.Value.MaxReceiveMessageBytes);
        builder.Services.AddTransient<IStartupFilter, GrpcBodyLimit>();

        // Swapped when the container is built, so a later AddGrpc() (which registers grpc-dotnet's binder again) cannot undo it.
        var development = builder.Environment.IsDevelopment();
        builder.ConfigureContainer(
            new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateScopes = development, ValidateOnBuild = development }),
            services =>
            {
                var binders = services
                    .Where(d => d.ServiceType == typeof(IServiceMethodProvider<>)
                        && d.ImplementationType is { Name: var name } && name.StartsWith("BinderServiceMethodProvider", StringComparison.Ordinal))
                    .ToList();
                if (binders.Count == 0)
                {
                    throw new InvalidOperationException("grpc-dotnet's service binder was not registered; GrpcInput cannot bind the services' methods");
                }

                foreach (var binder in binders)
                {
                    services.Remove(binder);
                }

                services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(DecodingMethodProvider<>));
            });
        return builder;
    }

    /// <summary>
    /// <paramref name="method"/> with a request deserialiser that reports a message it cannot read as INVALID_ARGUMENT.
    /// </summary>
    internal static Method<TRequest, TResponse> Decoding<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class
    {
        var requests = method.RequestMarshaller;
        var checkedRequests = new Marshaller<TRequest>(requests.ContextualSerializer, context => Decode(requests, context));
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, checkedRequests, method.ResponseMarshaller);
    }

    private static T Decode<T>(Marshaller<T> marshaller, DeserializationContext context)
    {
        try
        {
            return marshaller.ContextualDeserializer(context);
        }
        catch (Exception e)
        {
            // Parsing bytes has no side effect and nothing to cancel: whatever it throws, the message is bad.
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"the request is not a valid {typeof(T).Name} message: {e.Message}"));
        }
    }
}

/// <summary>
/// Leaves the size of a gRPC request to gRPC. Kestrel's body limit (30 MB) applies to unary calls too, and a body over
/// it (a 64 MB message) surfaced as UNKNOWN, "Exception was thrown by handler. BadHttpRequestException"; without it
/// gRPC reads the length prefix and answers RESOURCE_EXHAUSTED before the message is read.
/// </summary>
internal sealed class GrpcBodyLimit : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((http, following) =>
        {
            if (http.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true
                && http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = null;
            }

            return following(http);
        });
        next(app);
    };
}

/// <summary>
/// Binds a service's methods from its generated <c>BindService</c>, as grpc-dotnet's own binder does (the handler is
/// the service's override, with its attributes as endpoint metadata), with <see cref="GrpcInput.Decoding"/> requests.
/// </summary>
internal sealed class DecodingMethodProvider<TService> : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is not { } binding)
            {
                continue;
            }

            var bind = binding.BindType
                .GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                .Single(m => m.Name == binding.BindMethodName && m.GetParameters() is [{ ParameterType: var first }, _] && first == typeof(ServiceBinderBase));
            bind.Invoke(null, [new Binder(context), null]);
            return;
        }
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(TRequest), typeof(ServerCallContext));
            context.AddUnaryMethod(GrpcInput.Decoding(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<ClientStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext));
            context.AddClientStreamingMethod(GrpcInput.Decoding(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<ServerStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddServerStreamingMethod(GrpcInput.Decoding(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddDuplexStreamingMethod(GrpcInput.Decoding(method), metadata, invoker);
        }

        /// <summary>The service's public method for the call (its override, or the generated base that answers UNIMPLEMENTED) and its metadata.</summary>
        private static (TDelegate Invoker, List<object> Metadata) Handler<TDelegate>(string name, params Type[] parameters)
            where TDelegate : Delegate
        {
            var handler = typeof(TService).GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters)
                ?? throw new InvalidOperationException($"{typeof(TService)} has no method {name}");
            List<object> metadata =
            [
                // The method's own attributes after the type's, so they take precedence ([EnableRateLimiting] on one call).
                .. typeof(TService).GetCustomAttributes(inherit: true),
                .. handler.GetCustomAttributes(inherit: true),
                new HttpMethodMetadata(["POST"], acceptCorsPreflight: true),
            ];
            return (handler.CreateDelegate<TDelegate>(), metadata);
        }
    }
}
