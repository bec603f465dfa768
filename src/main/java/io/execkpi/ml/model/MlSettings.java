package io.execkpi.ml.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import jakarta.validation.Valid;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.Resource;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;

/**
 * Model settings of {@code mlJob} ({@code jobs/ml.yml}, kebab-case keys); see that file for what each value means.
 * Bound by Spring Boot's configuration-properties binder and checked by Bean Validation (the constraints below), as a
 * {@code @ConfigurationProperties @Validated} class is, but from the file alone, not from the application's
 * environment. (Not annotated {@code @Validated}: as a bean that would ask for a method-validation proxy, which a
 * record cannot have.)
 */
public record MlSettings(@Min(value = 1, message = "must be in 1..90") @Max(value = 90, message = "must be in 1..90")
                         int horizonDays,
                         @NotNull(message = "must be set") @Valid Split split,
                         @NotNull(message = "must be set") @Valid Xgboost xgboost,
                         @NotNull(message = "must be set") @Valid Logistic logistic,
                         @NotNull(message = "must be set") @Valid Explain explain,
                         @NotNull(message = "must be set") @Valid Scoring scoring) {

    /** Stratified train/test split. */
    public record Split(@DecimalMin(value = "0", inclusive = false, message = "must be in (0, 1)")
                        @DecimalMax(value = "1", inclusive = false, message = "must be in (0, 1)") double testFraction,
                        long seed) {
    }

    /** Tribuo XGBoostClassificationTrainer parameters. */
    public record Xgboost(@Min(value = 1, message = "must be >= 1") int trees,
                          @Min(value = 1, message = "must be >= 1") int maxDepth,
                          @DecimalMin(value = "0", inclusive = false, message = "must be in (0, 1]")
                          @DecimalMax(value = "1", message = "must be in (0, 1]") double eta,
                          @DecimalMin(value = "0", inclusive = false, message = "must be in (0, 1]")
                          @DecimalMax(value = "1", message = "must be in (0, 1]") double subsample,
                          @DecimalMin(value = "0", inclusive = false, message = "must be in (0, 1]")
                          @DecimalMax(value = "1", message = "must be in (0, 1]") double colsample,
                          @DecimalMin(value = "0", message = "must be >= 0") double minChildWeight,
                          @NotNull(message = "must be auto, exact, approx or hist")
                          @Pattern(regexp = "auto|exact|approx|hist", message = "must be auto, exact, approx or hist")
                          String treeMethod,
                          long seed,
                          @Min(value = 1, message = "must be >= 1") int threads) {
    }

    /** Logistic-regression baseline: Tribuo LinearSGDTrainer with LogMulticlass and AdaGrad on standardized features. */
    public record Logistic(@Min(value = 1, message = "must be >= 1") int epochs,
                           @DecimalMin(value = "0", inclusive = false, message = "must be > 0") double learningRate,
                           long seed) {
    }

    /** SHAP: explain at most this many test rows. */
    public record Explain(@Min(value = 1, message = "must be >= 1") int maxRows) {
    }

    /**
     * Scoring population: users with an event or order in these days before the business date (at most 90: the
     * feature query reads events of the 90 days before the cutoff).
     */
    public record Scoring(@Min(value = 1, message = "must be in 1..90") @Max(value = 90, message = "must be in 1..90")
                          int activeDays) {
    }

    private static final class Validators {
        static final ValidatorFactory FACTORY = Validation.buildDefaultValidatorFactory();
    }

    /**
     * Reads and checks the settings file.
     *
     * @param resource a YAML file in the format of {@code jobs/ml.yml}
     * @return the settings
     * @throws IllegalStateException when a value is out of range, of the wrong type or missing, or a key is unknown; the
     *                               message names each key, e.g. {@code ml.yml: xgboost.eta must be in (0, 1] (value 0,
     *                               class path resource [jobs/ml.yml] - 14:8)}
     * @throws UncheckedIOException  when the file cannot be read
     */
    public static MlSettings load(Resource resource) {
        List<PropertySource<?>> sources;
        try {
            sources = new YamlPropertySourceLoader().load("ml.yml", resource);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read model settings " + resource, e);
        }
        Binder binder = new Binder(ConfigurationPropertySources.from(sources));
        try {
            return binder.bindOrCreate(ConfigurationPropertyName.EMPTY, Bindable.of(MlSettings.class),
                    new ValidationBindHandler(new NoUnboundElementsBindHandler(BindHandler.DEFAULT),
                            new SpringValidatorAdapter(Validators.FACTORY.getValidator())));
        } catch (BindException e) {
            throw new IllegalStateException("ml.yml: " + problems(e), e);
        }
    }

    /** One phrase per bad key: "key must … (value v, origin)". */
    private static String problems(BindException e) {
        List<String> problems = new ArrayList<>();
        if (e.getCause() instanceof BindValidationException invalid) {
            ConfigurationPropertyName base = invalid.getValidationErrors().getName();
            for (ObjectError error : invalid.getValidationErrors()) {
                if (error instanceof FieldError field) {
                    String key = (base.isEmpty() ? "" : base + ".") + DataObjectPropertyName.toDashedForm(field.getField());
                    problems.add(key + " " + error.getDefaultMessage() + " (value " + field.getRejectedValue()
                            + (Origin.from(error) != null ? ", " + Origin.from(error) : "") + ")");
                } else {
                    problems.add(error.getDefaultMessage());
                }
            }
        } else if (e.getCause() instanceof UnboundConfigurationPropertiesException unknown) {
            problems.add("unknown setting " + unknown.getUnboundProperties().stream().map(MlSettings::describe)
                    .collect(Collectors.joining(", ")));
        } else if (e.getProperty() != null) {
            problems.add(e.getProperty().getName() + " must be of type " + e.getTarget().getType().toClass().getSimpleName()
                    + " (value " + e.getProperty().getValue() + ", " + e.getProperty().getOrigin() + ")");
        } else {
            problems.add(e.getName() + ": " + e.getMessage());
        }
        return String.join("; ", problems);
    }

    private static String describe(ConfigurationProperty property) {
        return property.getName() + " (" + property.getOrigin() + ")";
    }
}
